"""What the mock core systems have in common, so each concept lives in one place.

Every mock stands for another vendor's product and imports nothing from daiko outside
``daiko.mocks``; this package is part of that world (the plumbing a vendor's products would
share: fault-spec parsing, the fake register's name data, reading the database from outside,
running the program as a subprocess), never a shortcut into daiko proper.
"""
