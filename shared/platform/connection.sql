-- name: begin
BEGIN

-- name: commit
COMMIT

-- name: rollback
ROLLBACK
