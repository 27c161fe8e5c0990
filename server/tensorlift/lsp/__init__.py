"""The tensorlift language server (`tensorlift serve`), on pygls 2.

One job per module:
- `server`      wiring: pygls handlers, each guarded, delegating to the features below; `serve(tcp)`.
- `settings`    the `tensorlift` settings object → `Settings` / `LiftOptions` (one mapping function).
- `documents`   immutable snapshots (uri, version, text) and the units detected in each version.
- `lifting`     the lifting service: detection on every change, cached results re-attached at once, lifting
                debounced, results to every open document with an equal unit.
- `scheduler`   one worker process (spawn), jobs keyed by position-independent keys, stale work dropped or
                killed after a grace period, crashed workers restarted.
- `worker`      what runs in the worker process (`api.detect` + `api.lift_unit` on a snapshot).
- `placement`   the position-independent result cache and `relocate` (a cached result for where a unit is now).
- `positions`   UTF-8 byte columns ↔ the client's position encoding.
- `diagnostics`, `actions`, `hover`, `commands`, `progress`   the LSP features.
- `rewrite`     workspace edits: rewrite, imports, proof comment, new module, certificate file.
"""
