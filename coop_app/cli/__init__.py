"""`flask coop ...`: the command-line face. Each module here holds the commands of one
subject (ledger, users, members, closing, loans); the demo's command lives with the demo.

The commands are plain click commands: create_app adds the registry's cli_commands to the
`coop` group it creates, so no package imports a group from here.
"""
