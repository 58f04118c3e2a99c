-- pruneClusterMembership and getClusterMembers(notExpiredAt) range-scan record_expiry.
CREATE INDEX cluster_membership_by_expiry ON cluster_membership (record_expiry);
