-- Status filters and countWorkflowExecutions(groupByStatus) scan by (namespace_id, status).
CREATE INDEX executions_visibility_by_status ON executions_visibility (namespace_id, status, start_time);
