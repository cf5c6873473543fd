export const id = 837;
export const ids = [837];
export const modules = {

/***/ 3837:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_MAX_ATTEMPTS: () => (/* binding */ DEFAULT_MAX_ATTEMPTS),
  REFRESH_WINDOW_MS: () => (/* binding */ REFRESH_WINDOW_MS),
  oidcCredentials: () => (/* binding */ oidcCredentials)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var dist_cjs = __webpack_require__(1695);
// EXTERNAL MODULE: ./src/clock.ts
var src_clock = __webpack_require__(9373);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/credentials/oidc-token.ts
// GitHub Actions OIDC tokens: is a token available to this job, and what does a token claim.
// The token itself is a secret for its ~5 minutes of life: nothing here prints it.
const ID_TOKEN_URL_VAR = 'ACTIONS_ID_TOKEN_REQUEST_URL';
const ID_TOKEN_TOKEN_VAR = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN';
/** Claims we show when AWS refuses a token, in this order. */
const SHOWN_CLAIMS = ['sub', 'aud', 'repository', 'environment', 'ref', 'job_workflow_ref'];
/** What to do when the runner gave this job no way to request a token. */
function missingIdTokenMessage(missing) {
    return (`role-to-assume needs a GitHub OIDC token, but this job cannot request one (${missing.join(' and ')} ` +
        `${missing.length === 1 ? 'is' : 'are'} not set). Add \`permissions: id-token: write\` to the job (or the workflow), ` +
        'next to the other permissions it needs, e.g. `contents: read`. Pull requests from forks never get an OIDC token; ' +
        'run deployments on push, workflow_dispatch or an environment-gated job instead.');
}
/** The variables that are missing, or [] when the job can request a token. */
function missingIdTokenVars(env) {
    return [ID_TOKEN_URL_VAR, ID_TOKEN_TOKEN_VAR].filter((v) => !env[v]);
}
/** Throws the permissions message when the job cannot request a token (call it before any AWS call). */
function assertIdTokenAvailable(env) {
    const missing = missingIdTokenVars(env);
    if (missing.length > 0)
        throw new Error(missingIdTokenMessage(missing));
}
/** The variables named in an error from `core.getIDToken` ("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable"). */
function missingVarsInError(err) {
    const text = err instanceof Error ? err.message : String(err);
    if (!/Unable to get ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN) env variable/.test(text))
        return [];
    return [ID_TOKEN_URL_VAR, ID_TOKEN_TOKEN_VAR].filter((v) => text.includes(v));
}
/** The payload of a JWT (no signature check), or undefined when it is not a JWT with a JSON object payload. */
function decodeJwtClaims(token) {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[1] === undefined)
        return undefined;
    try {
        const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
        return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? claims : undefined;
    }
    catch {
        return undefined;
    }
}
/** A claim as text (`aud` may be an array), or undefined. */
function claimText(claims, name) {
    const v = claims?.[name];
    if (typeof v === 'string')
        return v;
    if (Array.isArray(v))
        return v.map(String).join(', ');
    if (typeof v === 'number' || typeof v === 'boolean')
        return String(v);
    return undefined;
}

// EXTERNAL MODULE: ./node_modules/@smithy/core/dist-cjs/submodules/retry/index.js
var retry = __webpack_require__(3609);
;// CONCATENATED MODULE: ./src/credentials/retry.ts
// Which failures of getting credentials are worth another try, and how long to wait before it. The SDK's own
// classification (@smithy/core/retry) decides for STS; what it does not know is added here: IDPCommunicationError
// (STS's "the identity provider did not answer"), service faults named without a 5xx status, and the socket
// errors of Node and undici it does not list. Any token endpoint failure is retried, unless the job may not
// request a token at all.



const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 20_000;
/** Checked on the wire code and the class name: the SDK knows these by status only, or not at all. */
const TRANSIENT_NAMES = new Set(['IDPCommunicationError', 'ServiceUnavailable', 'InternalFailure', 'InternalError']);
/** Socket errors beyond the SDK's NODEJS_TIMEOUT_ERROR_CODES and NODEJS_NETWORK_ERROR_CODES. */
const NETWORK_CODES = new Set(['ECONNABORTED', 'ENETDOWN', 'EPROTO', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/** AWS's name for the error, as its docs spell it: the wire code when the SDK kept it, else the error's name. */
function awsCode(err) {
    const e = (err ?? {});
    if (typeof e.Code === 'string' && e.Code !== '')
        return e.Code;
    return typeof e.name === 'string' ? e.name : '';
}
/** Whether a failed attempt is worth another, given the step it failed in. */
function isTransient(err, step) {
    if (step === 'token')
        return missingVarsInError(err).length === 0;
    if (err instanceof errors/* ActionError */.lZ || err === null || typeof err !== 'object')
        return false;
    const e = err;
    const name = awsCode(err);
    if (name === 'AbortError' || e.name === 'AbortError')
        return false;
    const sdk = err;
    if ((0,retry.isThrottlingError)(sdk) || (0,retry.isTransientError)(sdk) || (0,retry.isServerError)(sdk))
        return true;
    // The wire code as well as the class name (the SDK's lists look at `name` only); any name saying throttled.
    if (TRANSIENT_NAMES.has(name) || TRANSIENT_NAMES.has(String(e.name)) || /throttl/i.test(name))
        return true;
    return typeof e.code === 'string' && NETWORK_CODES.has(e.code);
}
/** Exponential backoff with "equal jitter" before attempt `attempt + 1`: half fixed, half random, capped. */
function backoffMs(attempt, random) {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

// EXTERNAL MODULE: ./src/credentials/role-inputs.ts
var role_inputs = __webpack_require__(3868);
;// CONCATENATED MODULE: ./src/credentials/explain.ts
// Why getting credentials failed, in words a user can act on: a refused token shows the claims it presented
// and the trust-policy condition that would accept them; a job that may not request a token is told the
// permission to add; anything else keeps its AWS name and says how often it was tried.




const GITHUB_ISSUER_HOST = 'token.actions.githubusercontent.com';
const REFUSALS = new Set(['AccessDenied', 'AccessDeniedException', 'IDPRejectedClaim', 'InvalidIdentityToken']);
/** The error in one line, with the AWS name users search for. */
function shortError(err) {
    if (!(err instanceof Error))
        return String(err);
    const name = awsCode(err);
    return name && name !== 'Error' && !err.message.startsWith(name) ? `${name}: ${err.message}` : err.message;
}
/** The error the provider throws for `err`, with `err` as its (non-enumerable) cause. */
function explain(err, state, ctx) {
    const tries = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : '';
    let out;
    if (state.step === 'token') {
        // core.getIDToken names only the first variable it misses; the environment tells the whole story.
        const missing = missingVarsInError(err).length > 0 ? union(missingVarsInError(err), missingIdTokenVars(process.env)) : [];
        out =
            missing.length > 0
                ? new errors/* ActionError */.lZ(missingIdTokenMessage(missing))
                : new errors/* ActionError */.lZ(`Could not get a GitHub OIDC token for audience "${ctx.audience}"${tries}: ${shortError(err)}`);
    }
    else {
        const name = err instanceof Error ? awsCode(err) : '';
        if (REFUSALS.has(name))
            out = refusal(err, name, state.claims, ctx);
        else if (name === 'ExpiredTokenException') {
            out = new errors/* ActionError */.lZ(`ExpiredTokenException: ${err.message} — STS saw the GitHub OIDC token as expired when assuming ${ctx.roleArn}. ` +
                'Tokens live about 5 minutes and this action requests one right before each AssumeRoleWithWebIdentity, so check the runner clock.');
        }
        else if (err instanceof errors/* ActionError */.lZ)
            out = err;
        else {
            out = new errors/* ActionError */.lZ(`AssumeRoleWithWebIdentity for ${ctx.roleArn} failed${tries}: ${shortError(err)}` +
                (ctx.transient ? ' (a transient error; re-run the job if AWS or GitHub had an incident).' : ''));
        }
    }
    if (out !== err)
        Object.defineProperty(out, 'cause', { value: err, enumerable: false, configurable: true });
    return out;
}
function refusal(err, code, claims, ctx) {
    const lines = [`${code}: ${err.message} — role ${ctx.roleArn} refused this job's GitHub OIDC token.`];
    if (!claims) {
        lines.push('The token presented could not be decoded (it is not a JWT), so its claims cannot be shown.');
        return new errors/* ActionError */.lZ(lines.join('\n'));
    }
    const shown = SHOWN_CLAIMS.flatMap((k) => {
        const v = claimText(claims, k);
        return v === undefined ? [] : [[k, v]];
    });
    lines.push(`Claims presented: ${shown.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}.`);
    const sub = claimText(claims, 'sub') ?? '';
    const aud = claimText(claims, 'aud') ?? ctx.audience;
    const repository = claimText(claims, 'repository');
    const environment = claimText(claims, 'environment');
    const iss = claimText(claims, 'iss');
    const host = iss ? iss.replace(/^https:\/\//, '').replace(/\/+$/, '') : GITHUB_ISSUER_HOST;
    const account = /:iam::(\d{12}):/.exec(ctx.roleArn)?.[1] ?? 'ACCOUNT';
    const partition = /^arn:(aws[\w-]*):/.exec(ctx.roleArn)?.[1] ?? 'aws';
    const owner = repository ?? 'OWNER/REPO';
    if (partition === 'aws-cn' && aud === role_inputs/* DEFAULT_AUDIENCE */.Z4) {
        lines.push(`The role is in the China partition (aws-cn), where the IAM OIDC provider usually lists the audience ${role_inputs/* CHINA_AUDIENCE */.Fl}: ` +
            `set the action's audience input to ${role_inputs/* CHINA_AUDIENCE */.Fl} (and the trust policy's aud condition to match), or add ${role_inputs/* DEFAULT_AUDIENCE */.Z4} to the provider's audiences.`);
    }
    if (code === 'InvalidIdentityToken') {
        lines.push(`AWS did not accept the token itself: check that account ${account} has an IAM OIDC identity provider for https://${host} ` +
            `whose audiences (client IDs) include "${aud}".`);
    }
    else {
        if (environment !== undefined || sub.includes(':environment:')) {
            lines.push(`This job runs in the GitHub environment "${environment ?? sub.split(':environment:')[1]}", so its subject is the environment form ` +
                '`repo:OWNER/REPO:environment:NAME`, not the branch/tag form `repo:OWNER/REPO:ref:refs/heads/BRANCH`. ' +
                'Environment-gated finalize/rollback jobs present this subject: the trust policy must allow it.');
        }
        else if (sub.includes(':ref:') || sub.endsWith(':pull_request')) {
            lines.push(`Note: jobs that use a GitHub environment (e.g. environment-gated finalize/rollback jobs) present \`repo:${owner}:environment:NAME\` ` +
                'instead of this branch/tag subject; allow those subjects too.');
        }
        if (/^repo:[^/:]+@\d+\//.test(sub)) {
            lines.push('This is an immutable subject (owner and repository ids): trust policies written for `repo:OWNER/REPO:…` do not match it.');
        }
        if (aud !== role_inputs/* DEFAULT_AUDIENCE */.Z4) {
            lines.push(`The audience is "${aud}", not ${role_inputs/* DEFAULT_AUDIENCE */.Z4}: the IAM OIDC provider must list it as a client ID.`);
        }
        lines.push('A trust-policy condition that accepts this token:', '  "Condition": {', '    "StringEquals": {', `      "${host}:aud": ${JSON.stringify(aud)},`, `      "${host}:sub": ${JSON.stringify(sub)}`, '    }', '  }', `with Principal {"Federated": "arn:${partition}:iam::${account}:oidc-provider/${host}"} and Action "sts:AssumeRoleWithWebIdentity" ` +
            '(to admit several jobs, give StringEquals a list of subjects, e.g. the environment and the branch form; ' +
            `avoid broad StringLike wildcards such as "repo:${owner}:*", which also admit pull-request jobs).`);
    }
    return new errors/* ActionError */.lZ(lines.join('\n'));
}
/** The two variables in their usual order, each named once. */
function union(a, b) {
    return [ID_TOKEN_URL_VAR, ID_TOKEN_TOKEN_VAR].filter((v) => a.includes(v) || b.includes(v));
}

;// CONCATENATED MODULE: ./src/credentials/provider.ts
// `role-to-assume`: a credentials function for every SDK client, backed by GitHub OIDC and STS
// AssumeRoleWithWebIdentity.
//
// - A fresh OIDC token (they live ~5 minutes) is fetched right before every AssumeRoleWithWebIdentity.
// - The credentials carry `expiration`: the SDK memoizes them per client and calls the function again when
//   less than 5 minutes remain, so a long health wait never outlives the role session. The function memoizes
//   too (one session shared by all clients, one in-flight assume for concurrent callers) and renews a little
//   earlier than the SDK, so an SDK refresh always gets a new session.
// - Transient failures are retried with bounded exponential backoff and jitter (retry.ts); refusals are not,
//   and explain which token claims were presented and which trust-policy condition would accept them
//   (explain.ts).







const DEFAULT_MAX_ATTEMPTS = 5;
/** The SDK asks again when less than 5 minutes remain (`EXPIRATION_MS` in @smithy/core); we renew 1 minute earlier. */
const REFRESH_WINDOW_MS = 6 * 60_000;
function oidcCredentials(o) {
    (0,role_inputs/* validateRoleArn */._l)(o.roleArn);
    (0,role_inputs/* validateRolePartition */.lj)(o.roleArn, o.region);
    const audience = o.audience ?? role_inputs/* DEFAULT_AUDIENCE */.Z4;
    (0,role_inputs/* validateAudience */.Ze)(audience);
    const sessionName = o.sessionName ?? (0,role_inputs/* defaultSessionName */.te)(process.env);
    (0,role_inputs/* validateSessionName */.GR)(sessionName);
    const durationSeconds = o.durationSeconds ?? role_inputs/* DEFAULT_DURATION_SECONDS */.Ro;
    (0,role_inputs/* validateDurationSeconds */.IR)(durationSeconds);
    const maxAttempts = Math.max(1, o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    const clock = o.clock ?? src_clock/* systemClock */.m;
    const random = o.random ?? Math.random;
    const log = o.log ?? (() => { });
    const mask = o.mask ?? (() => { });
    let sts;
    const stsClient = () => 
    // AssumeRoleWithWebIdentity is unsigned: no credentials. Our loop owns retries (fresh token each time).
    (sts ??= new dist_cjs/* STSClient */.iM({ region: o.region, maxAttempts: 1, ...o.stsClientConfig }));
    async function attempt(state) {
        state.step = 'token';
        state.claims = undefined;
        const token = await o.getIdToken(audience);
        mask(token);
        state.claims = decodeJwtClaims(token);
        state.step = 'sts';
        const out = await stsClient().send(new dist_cjs/* AssumeRoleWithWebIdentityCommand */.WH({
            RoleArn: o.roleArn,
            RoleSessionName: sessionName,
            WebIdentityToken: token,
            DurationSeconds: durationSeconds
        }));
        const c = out.Credentials;
        if (c?.AccessKeyId)
            mask(c.AccessKeyId);
        if (c?.SecretAccessKey)
            mask(c.SecretAccessKey);
        if (c?.SessionToken)
            mask(c.SessionToken);
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
            throw new errors/* ActionError */.lZ(`AssumeRoleWithWebIdentity for ${o.roleArn} returned no complete credentials.`);
        }
        const expiration = c.Expiration instanceof Date ? c.Expiration : new Date(c.Expiration);
        log(`Assumed ${out.AssumedRoleUser?.Arn ?? o.roleArn} with the GitHub OIDC token of ${claimText(state.claims, 'sub') ?? 'this job'}; ` +
            `the session expires at ${expiration.toISOString()}.`);
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration };
    }
    async function assume() {
        log(`Assuming ${o.roleArn} (session ${sessionName}, ${durationSeconds} s) with a GitHub OIDC token for audience ${audience}.`);
        for (let n = 1;; n++) {
            const state = { step: 'token', claims: undefined };
            try {
                return await attempt(state);
            }
            catch (err) {
                const transient = isTransient(err, state.step);
                if (!transient || n >= maxAttempts)
                    throw explain(err, state, { roleArn: o.roleArn, audience, attempts: n, transient });
                const delay = backoffMs(n, random);
                log(`${state.step === 'token' ? 'Getting the GitHub OIDC token' : 'AssumeRoleWithWebIdentity'} failed (${shortError(err)}); retrying in ${delay} ms (attempt ${n + 1} of ${maxAttempts}).`);
                await clock.sleep(delay);
            }
        }
    }
    let current;
    let inflight;
    const provider = async (options) => {
        if (current && !options?.forceRefresh && current.expiration.getTime() - clock.now() > REFRESH_WINDOW_MS)
            return current;
        if (!inflight) {
            const p = assume().then((c) => (current = c));
            inflight = p;
            p.then(() => (inflight = undefined), () => (inflight = undefined));
        }
        return inflight;
    };
    return Object.assign(provider, { destroy: () => sts?.destroy() });
}


/***/ })

};
