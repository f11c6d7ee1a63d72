// The simulated API server's serving certificate: self-signed, for 127.0.0.1, localhost and the in-cluster names of
// the kubernetes Service. It is public on purpose (a test fixture, not a secret): kubeconfigs skip verification.
// Generated with: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=kube-apiserver
export const SERVING_CERT = `-----BEGIN CERTIFICATE-----
MIICHzCCAcagAwIBAgIUMy9RLxgo3OiILPlcOMcwYByMf3kwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOa3ViZS1hcGlzZXJ2ZXIwIBcNMjYxMjA3MTAyMzU4WhgPMjEy
NjExMTMxMDIzNThaMBkxFzAVBgNVBAMMDmt1YmUtYXBpc2VydmVyMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEk+MriZuPnWgQmxhLrgSMpGqicVz2kz4yDMtUVzP/
Y1SzWUFSROBZmK7IyVUD7M3LAyGxwrm/6U9fqXoZIgwB6KOB6TCB5jAdBgNVHQ4E
FgQUqu6UoBlC3vLnnjGTjiHx2YWWHqUwHwYDVR0jBBgwFoAUqu6UoBlC3vLnnjGT
jiHx2YWWHqUwDwYDVR0TAQH/BAUwAwEB/zCBkgYDVR0RBIGKMIGHgglsb2NhbGhv
c3SCCmt1YmVybmV0ZXOCEmt1YmVybmV0ZXMuZGVmYXVsdIIWa3ViZXJuZXRlcy5k
ZWZhdWx0LnN2Y4Ika3ViZXJuZXRlcy5kZWZhdWx0LnN2Yy5jbHVzdGVyLmxvY2Fs
hwR/AAABhxAAAAAAAAAAAAAAAAAAAAABhwQKYAABMAoGCCqGSM49BAMCA0cAMEQC
IGluz6zMuSJpMhGCb5uhDk/kUYpCY3YnkFmdtIOdQ9sBAiBSu7qujK9c5q7ZJIgE
AGFj9EbpN3BZkqyNIb6g2hs9xA==
-----END CERTIFICATE-----
`;

export const SERVING_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgoY5DaeAK8GIT0si7
wUBCMZYZe6x3CAASI+L/NvERu2yhRANCAAST4yuJm4+daBCbGEuuBIykaqJxXPaT
PjIMy1RXM/9jVLNZQVJE4FmYrsjJVQPszcsDIbHCub/pT1+pehkiDAHo
-----END PRIVATE KEY-----
`;
