"""Stand-ins for the city hall's core systems, so robots can be built and tested offline.

Each mock behaves like another vendor's product: it shares no code with daiko and keeps its own
database, so a robot that works against it has proved nothing by peeking at daiko's internals.
"""
