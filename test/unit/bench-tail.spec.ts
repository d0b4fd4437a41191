import { tailLines } from '../../bench/stages';

/** The bench's tail view (`npm run bench -- --tail`): the slowest share by publish → POST received, stage by stage. */
describe('tailLines', () => {
  // Ten deliveries, 10 ms each but for the last three, slow in their worker stretch and a little before their workflow.
  const toRow = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
  const rowToWorkflow = [4, 4, 4, 4, 4, 4, 4, 8, 9, 10];
  const workflowToAttempt = [3, 3, 3, 3, 3, 3, 3, 30, 40, 50];
  const attemptToReceived = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
  const stages = {
    toWorkflow: toRow.map((v, i) => v + rowToWorkflow[i]),
    fromWorkflow: workflowToAttempt.map((v, i) => v + attemptToReceived[i]),
    parts: { toRow, rowToWorkflow, workflowToAttempt, attemptToReceived },
  };

  it('gives the median of all beside the median of the slowest share, for each stage', () => {
    expect(tailLines(stages, 0.3)).toEqual([
      expect.stringMatching(/^ {2}stage \(medians\) +all +slowest 30 %$/),
      expect.stringMatching(/^ {2}publish → POST received +10 ms +52 ms$/),
      expect.stringMatching(/^ {2}publish → the event row +2\.0 ms +2\.0 ms$/),
      expect.stringMatching(/^ {2}the event row → the workflow \(commit, start\) +4\.0 ms +9\.0 ms$/),
      expect.stringMatching(/^ {2}the workflow → the attempt \(task, load\) +3\.0 ms +40 ms$/),
      expect.stringMatching(/^ {2}the attempt → the POST received +1\.0 ms +1\.0 ms$/),
    ]);
  });

  it('looks at the slowest delivery alone when the share is less than one delivery', () => {
    const [, total, , , worker] = tailLines(stages, 0.01);
    expect(total).toMatch(/ 63 ms$/);
    expect(worker).toMatch(/ 50 ms$/);
  });
});
