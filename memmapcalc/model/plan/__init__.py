"""The planner: the machine under each standby behaviour, the changes that make it IPL, and
the frontier of the largest standby per online size."""
