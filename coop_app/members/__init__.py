"""The member register: members of a cooperative, the migrant workers of their families,
their links, and the member page (whose savings, loans, enterprises and remittances
sections are panels of the registry). Posts no money: joining and leaving are in
membership/."""
