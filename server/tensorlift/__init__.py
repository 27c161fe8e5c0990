"""tensorlift: lift legacy loops to tensor DSL code, proved equivalent with Z3."""

__version__ = "0.1.0"
