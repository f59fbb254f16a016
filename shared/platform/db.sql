-- name: session_settings
SELECT set_config('statement_timeout', :statement_timeout, false)

-- name: admin_settings
SELECT set_config('statement_timeout', :statement_timeout, true),
       set_config('plan_cache_mode', :plan_cache_mode, true)

-- name: client_settings
-- set_config('role', ..., true) is SET LOCAL ROLE: the policies of schema/004 and 008 apply to
-- every statement after this one, for this transaction only.
SELECT set_config('role', 'authenticated', true),
       set_config('app.current_client_id', :client_id, true),
       set_config('statement_timeout', :statement_timeout, true),
       set_config('plan_cache_mode', :plan_cache_mode, true)
