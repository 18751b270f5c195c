"""Domain events other parts hook into (the sync engine listens; the records module sends).

Sent after the change is committed, with the record's company id, type name and id, so listeners
never see uncommitted state.
"""
from blinker import Namespace

_events = Namespace()

# sender: the model class; kwargs: company_id, record_id, user_id
record_saved = _events.signal("record-saved")
# kwargs: company_id, record_type, record_id, label, user_id
record_deleted = _events.signal("record-deleted")
# kwargs: company_id, project_id, work_order_id, user_id
work_order_completed = _events.signal("work-order-completed")
