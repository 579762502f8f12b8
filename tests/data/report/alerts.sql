-- Two alert records of the spike detector for acme (began, ended), the
-- way the sql sink stores them; :DAY2 is replaced by the test with the
-- UTC midnight two days ago. A hostile series name checks escaping.
INSERT INTO alerts (id, event, brand, owner, network, series, bucket_start, bucket_end, count, total, p_value, fields, received_at)
VALUES ('spike:acme:DAY2_13:began', 'spike_began', 'acme', NULL, NULL, 'acme<script>x</script>', DAY2 + 46800, DAY2 + 47100, 6, 9, 5.4e-10,
'{"event":"spike_began","id":"spike:acme:DAY2_13:began","brand":"acme","series":"acme","terms":[{"term":"remboursement","count":6,"lift":12.5},{"term":"refund","count":5,"lift":9.1}],"urls":["https://twitter.example/angry0/ar0","javascript:alert(1)"]}', DAY2 + 47200);
INSERT INTO alerts (id, event, brand, owner, network, series, bucket_start, bucket_end, count, total, p_value, fields, received_at)
VALUES ('spike:acme:DAY2_18:ended', 'spike_ended', 'acme', NULL, NULL, 'acme', DAY2 + 64800, DAY2 + 65100, 0, 2, NULL,
'{"event":"spike_ended","id":"spike:acme:DAY2_18:ended","brand":"acme","series":"acme"}', DAY2 + 65200);
