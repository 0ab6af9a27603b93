"""The store layer: where the graph lives, and the one way to write to it.

- :mod:`kg.stores.base`: locations (``--store``) and the :class:`~kg.stores.base.Store` interface;
- :mod:`kg.stores.embedded`: embedded Oxigraph stores, ``memory``
  (:class:`~kg.stores.embedded.MemoryStore`) and directories of generations
  (:class:`~kg.stores.embedded.DirectoryStore`);
- :mod:`kg.stores.remote`: a SPARQL 1.1 server as a store
  (:class:`~kg.stores.remote.RemoteStore`: the protocol, staging graphs, one swap);
- :mod:`kg.stores.worker`: the query worker, a forked child that evaluates a query on an
  embedded store within its deadline, denied the network (:mod:`kg.sandbox`);
- :mod:`kg.stores.kinds`: which class of store a location holds (the one place a location's
  kind is read), and an atomic write (or drop) of named graphs at a location.

A store owns its writes (``write``, ``write_graphs``, ``drop_graphs``, ``update``): no other
module asks which kind of store it has.

Opening a store with the per-user default and its auto-build is above this layer, in
:mod:`kg.api`.
"""
