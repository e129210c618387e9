"""The parts of the A-normal form lowering (frontend.normalize)."""
