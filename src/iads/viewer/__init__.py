"""The replay of a run: ``iads serve`` (a local, read-only web app) and what it reads.

- ``scene``: scene.json, written by ``iads run`` (sites, rings, routes, threat tracks);
- ``run``: a run directory read and checked once, one replication at a time;
- ``legacy``: a scene derived from the event log, for runs written before scene.json;
- ``app``, ``page``, ``serve``: the FastAPI app, its page and the command;
- ``snapshot``: the still of the replay in the report;
- ``headless``: Debian's Chromium as the browser tests and the benchmark drive it.
"""
