"""Serving many users from one machine: replicas of app.py behind Debian's nginx (`make serve-replicas`).

`processes` holds what starting and stopping a server process takes (a free port, stopping a process
group, the error when a server never answers); `replicas` starts N replicas and nginx, and stops all of
them on SIGTERM, SIGINT or SIGHUP sent to it alone. The benchmark and the tests use both; neither imports
measurement code.
"""
