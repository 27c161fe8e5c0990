"""The language-independent Kernel core: the source IR (`nodes`) and what comes after the frontends.

- `visit`: rewriting, substitution, the names code reads and writes;
- `affine`: integer index expressions as polynomials over sizes, and back;
- `normalize`: exact splits of flattened indexing into multi-dimensional views, index cleanup;
- `units`: a function's lift units with their inputs, outputs, sizes and assumptions;
- `interp`: the one evaluator, concrete or symbolic (path merging), over a `semantics.Domain`;
- `examples`: shapes for given sizes, and random examples for the search.
"""
