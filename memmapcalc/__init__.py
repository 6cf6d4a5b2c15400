"""memmapcalc: will this IBM Z Linux machine IPL with its standby memory?"""

__version__ = "0.1.0"
