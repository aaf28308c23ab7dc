"""Threats stage: routes over a round Earth and ballistic arcs."""

from iads.threats.base import ThreatKinematics, ThreatParams
from iads.threats.flight import fly, threat_kinematics, threat_position

__all__ = ["ThreatKinematics", "ThreatParams", "fly", "threat_kinematics", "threat_position"]
