"""Trainings and assistance: events members attended (with their certificates) and help in
kind or cash given to members' enterprises. Records of the programme; no money is posted."""
