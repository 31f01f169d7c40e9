"""Hardware the kiosk talks to: the resident ID card reader (GA/T 467 over a serial port).

Each device has pure protocol logic (testable without hardware), a driver that owns the port
(for the card reader, a watcher that polls it and reports events), and a simulator serving
the same bytes on a pseudo-terminal for tests, demos and lessons.
"""
