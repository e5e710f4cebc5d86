-- Hardening: API tokens may expire. Same meaning as sqlite/0006_hardening.sql.

-- When the token stops working by itself; empty: never. A token also stops
-- while the person who created it is disabled (see storage/tokens.rs).
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
