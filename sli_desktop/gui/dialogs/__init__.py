"""Create and edit forms: each a Designer form (ui/*.ui) in a dialog that calls one service."""
