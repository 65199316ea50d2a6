"""Role codes: the one list every app uses (``people.models.Role`` gives them their labels).

A role is held by a person for a term in a unit (``people.RoleAssignment``); what it lets the
user see follows in ``core.scope``.  Code names are English; the UI shows the Chinese labels.
"""

from __future__ import annotations

GRID_WORKER = "grid_worker"                        # 专职网格员
PART_TIME_GRID_MEMBER = "part_time_grid_member"    # 兼职网格员
GUIDING_GRID_MEMBER = "guiding_grid_member"        # 网格指导员
BUILDING_HEAD = "building_head"                    # 楼栋长
RED_BUILDING_HEAD = "red_building_head"            # 红色楼栋长
POLICY_PUBLICIST = "policy_publicist"              # 政策宣传员
DISPUTE_MEDIATOR = "dispute_mediator"              # 矛盾调解员
ENVIRONMENT_MANAGER = "environment_manager"        # 环境管理员
OPINION_COLLECTOR = "opinion_collector"            # 民意收集员
COUNCIL_CHAIR = "council_chair"                    # 小区理事会理事长
COUNCIL_MEMBER = "council_member"                  # 小区理事会理事
BUILDING_GUARDIAN = "building_guardian"            # 守护楼员
VOLUNTEER = "volunteer"                            # 志愿者
ERRAND_AGENT = "errand_agent"                      # 便民代办员
HOTLINE_DUTY = "hotline_duty"                      # 热线值班员
DEPARTMENT_HANDLER = "department_handler"          # 部门经办人
COMMUNITY_STAFF = "community_staff"                # 社区工作人员
STREET_STAFF = "street_staff"                      # 街道工作人员
DISTRICT_ADMIN = "district_admin"                  # 区级管理员
SPONSOR_STAFF = "sponsor_staff"                    # 爱心商家店员
CARE_WORKER = "care_worker"                        # 助老服务专员（养老服务站、社工）

# Roles that grant a data scope over the units they are held in, and of what kind.
AREA_ROLES = frozenset({GRID_WORKER, PART_TIME_GRID_MEMBER, GUIDING_GRID_MEMBER, COMMUNITY_STAFF,
                        STREET_STAFF, DISTRICT_ADMIN, CARE_WORKER})
STAFF_ROLES = frozenset({COMMUNITY_STAFF, STREET_STAFF, DISTRICT_ADMIN})
DEPARTMENT_ROLES = frozenset({DEPARTMENT_HANDLER})
PARTNER_ROLES = frozenset({SPONSOR_STAFF})
# Grid-level roles: the people who work a grid (inbox, visits, the grid page).
GRID_ROLES = frozenset({GRID_WORKER, PART_TIME_GRID_MEMBER, GUIDING_GRID_MEMBER})
# Care roles: who may read care recipients' health notes in their area (besides the recipient's own grid
# worker), every reading logged in the people app's access log (``care.services.reveal_health``).
CARE_ROLES = frozenset({CARE_WORKER})

# Abilities granted by roles.  ``unmask`` lets a user see a full ID-card or mobile number (logged).
ABILITIES: dict[str, frozenset[str]] = {
    "unmask": frozenset({GRID_WORKER, COMMUNITY_STAFF, STREET_STAFF, DISTRICT_ADMIN}),
    "import_people": frozenset({COMMUNITY_STAFF, STREET_STAFF, DISTRICT_ADMIN}),
    "export_people": frozenset({GRID_WORKER, COMMUNITY_STAFF, STREET_STAFF, DISTRICT_ADMIN}),
}
