"""After IPL: configuring standby memory block by block, and what that costs."""
