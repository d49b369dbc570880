import { describe, expect, it } from 'vitest';
import { failedReplanError } from '../../../adapters/http/routes/plans.ts';

describe('a failed on-demand re-plan as the client sees it', () => {
  it('missing signals and refused inputs are 422; a failed solve is a retryable 503', () => {
    expect(failedReplanError('V2G_ERR_SIGNALS_MISSING', 'no price')).toMatchObject({ code: 'V2G_ERR_SIGNALS_MISSING', statusCode: 422, retryable: false });
    expect(failedReplanError('V2G_ERR_PROBLEM_INVALID', 'bad')).toMatchObject({ code: 'V2G_ERR_SITE_NOT_PLANNABLE', statusCode: 422, errors: [{ pointer: '/params/siteId' }] });
    expect(failedReplanError('V2G_ERR_SOLVE_FAILED', 'crashed')).toMatchObject({ code: 'V2G_ERR_SOLVE_FAILED', statusCode: 503, retryable: true });
    expect(failedReplanError(undefined, undefined).message).toMatch(/last good plan stays in force/);
  });
});
