import { AutomationType } from '../common/enums';
import { badUserInput } from '../common/errors';
import { FunnelStepKind, type FunnelStep, type FunnelStepInput } from './funnel.types';

export const MAX_STEPS = 20;
export const MAX_VIEW_NAME = 100;

/** The step kinds that can occur in interactions of each automation type. */
export const KINDS_BY_AUTOMATION_TYPE: Record<AutomationType, FunnelStepKind[]> = {
  [AutomationType.JOURNEY]: [FunnelStepKind.JOURNEY_ELEMENT],
  [AutomationType.CHATBOT]: [FunnelStepKind.SESSION_START, FunnelStepKind.STARTING_DIALOG, FunnelStepKind.ENDING_DIALOG, FunnelStepKind.SESSION_END],
  [AutomationType.AI_AGENT]: [FunnelStepKind.AI_AGENT_TOOL],
};

const UNNAMED = new Set([FunnelStepKind.SESSION_START, FunnelStepKind.SESSION_END]);

/** Checks a view's steps against its automation's type; returns them normalised. */
export function checkSteps(steps: FunnelStepInput[], automationType: AutomationType): FunnelStep[] {
  if (steps.length < 1 || steps.length > MAX_STEPS) {
    throw badUserInput(`input.steps must hold 1 to ${MAX_STEPS} steps, got ${steps.length}`, 'input.steps');
  }
  const allowed = KINDS_BY_AUTOMATION_TYPE[automationType];
  return steps.map((step, i) => {
    const field = `input.steps[${i}]`;
    if (!allowed.includes(step.kind)) {
      throw badUserInput(
        `${field}.kind ${step.kind} does not fit a ${automationType} automation; use one of ${allowed.join(', ')}`,
        `${field}.kind`,
      );
    }
    const name = step.name?.trim() || null;
    if (UNNAMED.has(step.kind)) {
      if (name !== null) throw badUserInput(`${field}.name must be empty for ${step.kind}`, `${field}.name`);
    } else if (name === null) {
      throw badUserInput(`${field}.name is required for ${step.kind}`, `${field}.name`);
    } else if (name.length > 500) {
      throw badUserInput(`${field}.name must be at most 500 characters`, `${field}.name`);
    }
    return { kind: step.kind, name };
  });
}

export function checkViewName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_VIEW_NAME) {
    throw badUserInput(`input.name must be 1 to ${MAX_VIEW_NAME} characters`, 'input.name');
  }
  return trimmed;
}
