"""Known-answer tests run in float64: enable JAX's 64-bit mode before any array is made."""

import jax

jax.config.update("jax_enable_x64", True)
