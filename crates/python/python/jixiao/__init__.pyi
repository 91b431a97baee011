# Type stubs of the `jixiao` module (PEP 561: the stub of a package is its __init__.pyi).
import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, TypedDict, Union

import pyarrow

__version__: str
ROW_COLUMNS: List[str]

PathLike = Union[str, os.PathLike[str]]

class Limits(TypedDict, total=False):
    max_input: Union[int, str]
    max_inflate: Union[int, str]
    max_depth: int
    max_pages: int
    max_cells: int
    timeout: Optional[float]
    doc_converter: Optional[str]

Document = Dict[str, Any]
Row = Dict[str, Union[str, float, int, bool, None]]

def extract(
    data: Union[bytes, bytearray, memoryview, PathLike],
    name: Optional[str] = None,
    *,
    max_input: Union[int, str] = ...,
    max_inflate: Union[int, str] = ...,
    max_depth: int = ...,
    max_pages: int = ...,
    max_cells: int = ...,
    timeout: Optional[float] = ...,
    doc_converter: Optional[str] = ...,
) -> Document: ...
def extract_many(
    paths: Union[PathLike, Iterable[PathLike]],
    jobs: Optional[int] = None,
    *,
    max_input: Union[int, str] = ...,
    max_inflate: Union[int, str] = ...,
    max_depth: int = ...,
    max_pages: int = ...,
    max_cells: int = ...,
    timeout: Optional[float] = ...,
    doc_converter: Optional[str] = ...,
) -> Iterator[Document]: ...
def indicator_rows(doc: Document) -> List[Row]: ...
def row_schema() -> pyarrow.Schema: ...
def to_arrow(docs: Union[Document, Iterable[Document]]) -> pyarrow.Table: ...
