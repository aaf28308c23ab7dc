"""Threat flight: routes over a round Earth and ballistic arcs."""

from iads.threats.flight import ThreatKinematics, threat_kinematics, threat_position

__all__ = ["ThreatKinematics", "threat_kinematics", "threat_position"]
