"""Studies: a scenario swept over a grid or a sampled design, one Parquet file per point
(``iads sweep``, ``iads query``, ``iads report``)."""
