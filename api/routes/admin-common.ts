// What the admin route plugins share: their OpenAPI security, their error responses and the size of their bodies.
import { problemRef } from '../schemas/common';

export const adminSecurity = [{ adminAuth: [] }];

/** 400 bad input, 401 no valid key, 403 a tenant key, 413 body too large, 429 over the rate limit */
export const adminErrors = { 400: problemRef, 401: problemRef, 403: problemRef, 413: problemRef, 429: problemRef };

/** a tenant's name and id: a few hundred bytes; 16 KB leaves room for any client's padding */
export const ADMIN_BODY_LIMIT = 16 * 1024;
