// Puts this test page under `style-src 'self'` (a meta policy) and logs every CSP
// violation. Import it before any element module, so that all of them run under it.
export const POLICY = "style-src 'self'";

const meta = document.createElement('meta');
meta.httpEquiv = 'Content-Security-Policy';
meta.content = POLICY;
document.head.append(meta);

export const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sample || 'no sample'})`));
