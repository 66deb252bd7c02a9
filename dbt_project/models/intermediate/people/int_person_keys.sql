select
    source_system,
    source_id,
    person_key,
    match_probability,
    link_method
from {{ source('linkage', 'person_links') }}
