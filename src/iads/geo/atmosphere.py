"""The International Standard Atmosphere (ISO 2533; identical to the U.S. Standard Atmosphere
1976 below 86 km): temperature, pressure, density and speed of sound at a geometric altitude.

The standard defines the atmosphere by layers of constant temperature gradient in geopotential
altitude H = r0 h / (r0 + h) (r0 = 6,356,766 m). Within a layer from base H_b (temperature T_b,
pressure p_b) with gradient L:

    T = T_b + L (H - H_b)
    p = p_b (T_b / T)^(g0 M / (R* L))          (L != 0)
    p = p_b exp(-g0 M (H - H_b) / (R* T_b))    (L == 0)

and rho = p M / (R* T), a = sqrt(gamma R* T / M). Above 84.852 km geopotential (86 km
geometric) the top layer is continued; below sea level the first. All constants are the
standard's own, not modelling values.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import Array

#: Standard gravity (m/s^2), molar mass of air (kg/mol), universal gas constant (J/(mol K)),
#: ratio of specific heats, effective Earth radius for geopotential altitude (m).
G0_M_S2 = 9.80665
MOLAR_MASS_KG_MOL = 0.0289644
GAS_CONSTANT_J_MOL_K = 8.31432
GAMMA = 1.4
R0_M = 6_356_766.0

#: Layer bases: geopotential altitude (m) and temperature gradient (K/m).
_BASE_H_M = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0])
_LAPSE_K_M = np.array([-0.0065, 0.0, 0.001, 0.0028, 0.0, -0.0028, -0.002])
_T0_K, _P0_PA = 288.15, 101_325.0


def _layer_bases() -> tuple[np.ndarray, np.ndarray]:
    """Temperature and pressure at each layer base, from sea level up (float64)."""
    t, p = [_T0_K], [_P0_PA]
    for i in range(len(_BASE_H_M) - 1):
        dh, lapse = _BASE_H_M[i + 1] - _BASE_H_M[i], _LAPSE_K_M[i]
        t1 = t[-1] + lapse * dh
        k = G0_M_S2 * MOLAR_MASS_KG_MOL / GAS_CONSTANT_J_MOL_K
        if lapse == 0.0:
            p1 = p[-1] * np.exp(-k * dh / t[-1])
        else:
            p1 = p[-1] * (t[-1] / t1) ** (k / lapse)
        t.append(t1)
        p.append(p1)
    return np.array(t), np.array(p)


_BASE_T_K, _BASE_P_PA = _layer_bases()
_LAYERS = (_BASE_H_M, _LAPSE_K_M, _BASE_T_K, _BASE_P_PA)


def geopotential_m(h_m: Array) -> Array:
    """Geopotential altitude (m) of a geometric altitude ``h_m`` (m)."""
    return R0_M * h_m / (R0_M + h_m)


def isa(h_m: Array) -> tuple[Array, Array, Array, Array]:
    """(temperature K, pressure Pa, density kg/m^3, speed of sound m/s) at geometric altitude
    ``h_m`` (any shape)."""
    h = jnp.asarray(h_m)
    dtype = h.dtype if jnp.issubdtype(h.dtype, jnp.floating) else jnp.float32
    h = h.astype(dtype)
    hp = geopotential_m(h)
    # each layer's base values: those of the highest base at or below hp (selects, which the
    # CPU vectorises far better than a gather)
    hb, lapse, tb, pb = (jnp.full_like(hp, float(a[0])) for a in _LAYERS)
    for i in range(1, len(_BASE_H_M)):
        above = hp >= _BASE_H_M[i]
        now = (hb, lapse, tb, pb)
        hb, lapse, tb, pb = (
            jnp.where(above, float(a[i]), b) for a, b in zip(_LAYERS, now, strict=True)
        )
    dh = hp - hb
    t = tb + lapse * dh
    k = G0_M_S2 * MOLAR_MASS_KG_MOL / GAS_CONSTANT_J_MOL_K
    isothermal = lapse == 0.0
    safe_lapse = jnp.where(isothermal, 1.0, lapse)
    # p = pb exp(-k dh / tb) in an isothermal layer, pb (tb / t)^(k / lapse) otherwise: one
    # exponential of either exponent
    exponent = jnp.where(
        isothermal, -k * dh / tb, (k / safe_lapse) * jnp.log(tb / jnp.where(isothermal, tb, t))
    )
    p = pb * jnp.exp(exponent)
    rho = p * MOLAR_MASS_KG_MOL / (GAS_CONSTANT_J_MOL_K * t)
    a = jnp.sqrt(GAMMA * GAS_CONSTANT_J_MOL_K * t / MOLAR_MASS_KG_MOL)
    return t, p, rho, a


def density_kg_m3(h_m: Array) -> Array:
    """Air density (kg/m^3) at geometric altitude ``h_m``."""
    return isa(h_m)[2]


def speed_of_sound_m_s(h_m: Array) -> Array:
    """Speed of sound (m/s) at geometric altitude ``h_m``."""
    return isa(h_m)[3]
