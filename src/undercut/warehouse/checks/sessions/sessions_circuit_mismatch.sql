-- severity: warning
-- table: silver.sessions
-- column: circuit_id
-- message: matched to a race by date only: OpenF1 location/country differ from the circuit's
select s.session_key, s.location, s.country_name, s.circuit_id as value
from silver.sessions as s
where s.round is not null and not s.is_circuit_matched
order by s.session_key
