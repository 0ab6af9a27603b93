"""The store layer: where the graph lives, and the one way to write to it.

- :mod:`kg.stores.base`: locations (``--store``) and the :class:`~kg.stores.base.Store` interface;
- :mod:`kg.stores.embedded`: embedded Oxigraph stores, ``memory`` and directories of generations;
- :mod:`kg.stores.writes`: an atomic write (or drop) of named graphs, on every kind of store.

Remote SPARQL stores are :mod:`kg.remote`; queries on an embedded store are evaluated in a
child process by :mod:`kg.worker`. Opening a store with the per-user default and its
auto-build is above this layer, in :mod:`kg.api`.
"""
