/** The API versions a request may name in X-version, oldest first; the latest answers a request that names none. */
export const API_VERSIONS = ['2022-03'] as const;
export const LATEST_API_VERSION = API_VERSIONS[API_VERSIONS.length - 1];
