select
    source_system,
    system_name,
    owner,
    feed,
    cadence,
    format,
    record
from {{ ref('source_systems') }}
