"""Scale-out: parallel ingest on a process pool (runner) or a Dask cluster (dask_runner)."""

from .runner import default_workers, ingest_parallel, ingest_stream

__all__ = ["default_workers", "ingest_parallel", "ingest_stream"]
