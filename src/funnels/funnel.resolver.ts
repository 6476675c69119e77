import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { automationByExternalIdLoader, automationLoader } from '../automations/automation.store';
import { Automation } from '../automations/automation.type';
import { badUserInput, notFound } from '../common/errors';
import { DateTime } from '../common/scalars';
import { checkFilter, InsightsFilter } from '../metrics/filter';
import { percent } from '../metrics/ratios';
import type { Context } from '../server/context';
import { funnelReach } from './funnel.sql';
import { Funnel, FunnelStatus, FunnelStep, FunnelView, FunnelViewInput } from './funnel.types';
import { funnelStepOptions } from './funnelStepOptions.sql';
import { createView, defaultViewId, deleteView, findView, listViews, setDefaultView, updateView } from './funnelView.store';

export const NO_DATA_MESSAGE = 'No data for your filter selection.';

@Resolver(() => FunnelView)
export class FunnelViewResolver {
  @Authorized('read')
  @Query(() => [FunnelView], { description: "The account's saved funnel views, oldest first." })
  funnelViews(@Ctx() ctx: Context): Promise<FunnelView[]> {
    return listViews(ctx);
  }

  @Authorized('read')
  @Query(() => [FunnelStep], { description: 'The steps that can be put in a view of this automation, as seen in stored interactions.' })
  async funnelStepOptions(
    @Ctx() ctx: Context,
    @Arg('automationId', () => ID) automationId: string,
    @Arg('versionId', () => ID, { nullable: true }) versionId: string | null,
  ): Promise<FunnelStep[]> {
    const automation = await automationByExternalIdLoader(ctx).load(automationId);
    if (!automation) throw badUserInput(`automationId: no automation "${automationId}" in this account (see the automations query)`, 'automationId');
    return funnelStepOptions(ctx, automation, versionId ?? null);
  }

  @Authorized('read')
  @Query(() => Funnel, { description: "The conversion funnel of a saved view (the account's default view when viewId is omitted)." })
  async funnel(
    @Ctx() ctx: Context,
    @Arg('viewId', () => ID, { nullable: true }) viewId: string | null,
    @Arg('from', () => DateTime) from: Date,
    @Arg('to', () => DateTime) to: Date,
    @Arg('filter', () => InsightsFilter, { nullable: true }) filter: InsightsFilter | null,
  ): Promise<Funnel> {
    // The funnel's own range follows the filter's rules (from < to, at most 400 days).
    checkFilter({ from, to }, '');
    const globalFilter = filter ? checkFilter(filter) : null;
    let view: FunnelView | null;
    if (viewId) {
      view = await findView(ctx, viewId);
      if (!view) throw notFound(`No funnel view "${viewId}" in this account (see funnelViews)`);
    } else {
      const id = await defaultViewId(ctx);
      view = id ? await findView(ctx, id) : null;
      if (!view) return { status: FunnelStatus.NOT_CONFIGURED, message: 'No funnel view yet: create one with createFunnelView.', view: null, steps: [] };
    }
    if (globalFilter && globalFilter.automationIds.length > 0) {
      const automation = await automationLoader(ctx).load(view.automationInternalId);
      if (!automation || !globalFilter.automationIds.includes(automation.id)) {
        return { status: FunnelStatus.NO_DATA, message: NO_DATA_MESSAGE, view, steps: [] };
      }
    }
    const reached = await funnelReach(ctx, view, from, to);
    return {
      status: FunnelStatus.OK,
      message: null,
      view,
      steps: view.steps.map((step, k) => ({
        step,
        interactions: reached[k]!,
        conversionRate: percent(reached[k]!, reached[0]!),
        dropOff: k === 0 ? 0 : reached[k - 1]! - reached[k]!,
      })),
    };
  }

  @Authorized('admin')
  @Mutation(() => FunnelView, { description: "Saves a view; the account's first view becomes its default." })
  createFunnelView(@Ctx() ctx: Context, @Arg('input', () => FunnelViewInput) input: FunnelViewInput): Promise<FunnelView> {
    return createView(ctx, input);
  }

  @Authorized('admin')
  @Mutation(() => FunnelView)
  updateFunnelView(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input', () => FunnelViewInput) input: FunnelViewInput): Promise<FunnelView> {
    return updateView(ctx, id, input);
  }

  @Authorized('admin')
  @Mutation(() => Boolean, { description: 'False when there is no such view. Deleting the default makes the oldest remaining view the default.' })
  deleteFunnelView(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<boolean> {
    return deleteView(ctx, id);
  }

  @Authorized('admin')
  @Mutation(() => FunnelView)
  setDefaultFunnelView(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<FunnelView> {
    return setDefaultView(ctx, id);
  }

  @FieldResolver(() => Automation)
  async automation(@Root() view: FunnelView, @Ctx() ctx: Context): Promise<Automation> {
    return (await automationLoader(ctx).load(view.automationInternalId))!;
  }

  @FieldResolver(() => Boolean)
  async isDefault(@Root() view: FunnelView, @Ctx() ctx: Context): Promise<boolean> {
    return (await defaultViewId(ctx)) === view.id;
  }
}
