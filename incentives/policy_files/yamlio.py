"""YAML reading that a hostile file cannot hurt: duplicate and non-text keys, alias bombs and deep nesting are refused."""
from __future__ import annotations

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent

# Far more than a policy file needs (the seed files nest at most 10 levels and have at most 2,400 nodes);
# an alias bomb of 1 KB would expand to 10^9 nodes, and is refused as it is composed, before anything expands.
MAX_DEPTH = 64
MAX_NODES = 50_000


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


class UnsafeStructureError(yaml.MarkedYAMLError):
    """Too deep, too big once aliases are expanded, an alias to itself, or a key that is not text."""


class StrictLoader(yaml.SafeLoader):
    """A safe loader that bounds the document's shape and refuses a mapping with the same key twice."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}      # id(node) -> nodes it stands for once aliases are expanded
        self._open: set[str] = set()          # anchors whose node is still being composed

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            if event.anchor in self._open:
                raise UnsafeStructureError(problem=f"别名“*{event.anchor}”引用了包含它自身的内容（循环引用）",
                                           problem_mark=event.start_mark)
            return super().compose_node(parent, index)  # the anchored node itself; its size is already known
        if self._depth >= MAX_DEPTH:
            raise UnsafeStructureError(problem=f"嵌套过深（超过 {MAX_DEPTH} 层）", problem_mark=event.start_mark)
        anchor = getattr(event, "anchor", None)
        self._depth += 1
        if anchor:
            self._open.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.discard(anchor)
        self._sizes[id(node)] = size = 1 + sum(self._sizes.get(id(child), 1) for child in _children(node))
        if size > MAX_NODES:
            raise UnsafeStructureError(
                problem=f"内容过多：展开别名后超过 {MAX_NODES:,} 项（请不要用锚点和别名复制大段内容）",
                problem_mark=node.start_mark)
        return node

    def compose_document(self):
        try:
            return super().compose_document()
        finally:
            self._sizes.clear()  # ids of nodes are only meaningful while the nodes live

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise UnsafeStructureError(problem="键只能是文字，这里是列表或映射", problem_mark=key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(
                    problem=f"重复的键“{key}”（第 {seen[key] + 1} 行已出现过）",
                    problem_mark=key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def _children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    return []


def load(text: str):
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader


__all__ = ["ComposerError", "DuplicateKeyError", "UnsafeStructureError", "StrictLoader", "load", "MAX_DEPTH", "MAX_NODES"]
