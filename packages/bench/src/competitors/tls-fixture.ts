/**
 * A self-signed certificate for 127.0.0.1 and localhost, valid for a century, used only by the
 * benchmark's TLS servers on loopback. It protects nothing: the key is public on purpose, so a
 * clean clone runs TLS benchmarks with no setup.
 */
export const BENCH_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUD5z/9MWGWeNJ9ETlNx/H6oacjPkwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjAwMjA0M1oYDzIxMjYxMDI5
MDAyMDQzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQMWsllUi+ZUr5OCXY3fAxlCG9CowzSiKrgBM7LJ5rd6YeX/Pu/ObLw
It7F5JChtvLfp1w4Cy/DmBuqCPqWJeWVo28wbTAdBgNVHQ4EFgQU7NlIbtlzETyB
MdGX3Nfei3xzXaEwHwYDVR0jBBgwFoAU7NlIbtlzETyBMdGX3Nfei3xzXaEwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSAAwRQIgSAJmJ0M9Mhla9c/a8jyeC22q0rJymqDAqW5LJzcwD4YCIQCT
1sdjoE8WcFSDeAGLmsid0gs+wz3EyIuTdXnElNFl6g==
-----END CERTIFICATE-----
`;

/** The private key of {@link BENCH_TLS_CERT} (public on purpose, see above). */
export const BENCH_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJMdgBmOxrUe0yEzI
/Kf2R4X7kOP+ABTTuXA7U0+JyWyhRANCAAQMWsllUi+ZUr5OCXY3fAxlCG9CowzS
iKrgBM7LJ5rd6YeX/Pu/ObLwIt7F5JChtvLfp1w4Cy/DmBuqCPqWJeWV
-----END PRIVATE KEY-----
`;
