"""Retention and erasure: clocks from the convenant, four eyes, holds, signed proof."""
