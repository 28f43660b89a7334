"""ReportLab report builders (annual report, mediation report).

ReportLab checks every attribute set on a chart's shapes against its declared
type (`rl_config.shapeChecking`): a development aid that costs about a third of
drawing the annual report's charts (issue #16, point 4). Our charts are built by
tested code, so it is off; it must be switched before `reportlab.graphics` is
first imported (the shape classes read it when they are defined), hence here.
"""

from reportlab import rl_config

rl_config.shapeChecking = 0
