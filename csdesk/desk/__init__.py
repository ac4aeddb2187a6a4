"""What the command line and the workbench share: the open book with its config and day
(`desk.Desk`: load, assess, store), reviews (metrics, calibration, QBR), whole-book runs over
several processes (`parallel`), where the book and config live (`settings`), the demo book."""
