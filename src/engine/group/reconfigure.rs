//! Changing a running group's configuration (`GroupCommand::ChangeConfig`): the new settings are
//! validated as a scenario's would be, then the group reacts as Kafka's would to consumers restarted
//! with them.

use super::config::GroupConfig;
use super::{Group, GroupConfigChange, GroupContext, GroupProtocol, GroupState, Process};
use crate::scenario::validate::validate_group_protocol;

impl Group {
    /// Apply `change`, or refuse it with the validator's message (the group is then untouched).
    ///
    /// - `group.protocol`: every member revokes (committing first) and rejoins under the new protocol.
    ///   Simplification: Kafka converts a group online (KIP-848 upgrade/downgrade) when the first member
    ///   of the other protocol joins; here all members switch at once.
    /// - the assignor: a member rejoining with new protocol metadata triggers a rebalance (classic); the
    ///   group epoch goes up and a new target is computed (consumer).
    /// - `session.timeout.ms`, `max.poll.interval.ms`, `auto.offset.reset`: take effect at the next
    ///   session check, poll-timer check and offset reset. Simplification: in Kafka each member sends its
    ///   own session timeout in JoinGroup; here the group has one.
    pub(super) fn change_config(&mut self, change: GroupConfigChange, ctx: &mut GroupContext) -> Result<(), String> {
        let mut settings = self.config.settings.clone();
        if let Some(protocol) = change.protocol {
            settings.protocol = protocol;
            // An assignor of the other protocol would not validate; fall back to the new protocol's default.
            if change.assignor.is_none() {
                settings.assignor = None;
            }
        }
        if change.assignor.is_some() {
            settings.assignor = change.assignor;
        }
        if let Some(ms) = change.session_timeout_ms {
            settings.session_timeout_ms = ms;
        }
        if let Some(ms) = change.max_poll_interval_ms {
            settings.max_poll_interval_ms = ms;
        }
        if let Some(reset) = change.auto_offset_reset {
            settings.auto_offset_reset = reset;
        }
        validate_group_protocol(&|field: &str| field.to_string(), &settings).map_err(|e| e.to_string())?;
        let mut next = GroupConfig::from_spec(&settings, self.config.network_latency_ms);
        if next.protocol != self.config.protocol {
            // Members commit under the protocol (generation or member epoch) they hold now.
            self.commit_running_members(ctx);
        }
        next.records_per_sec = self.config.records_per_sec;
        let old = std::mem::replace(&mut self.config, next);
        ctx.visible_change = true;
        ctx.narration.push(format!(
            "group {}: config now group.protocol={}, assignor={}, session.timeout.ms={}, max.poll.interval.ms={}, \
             auto.offset.reset={}",
            self.name,
            self.config.protocol.name(),
            self.config.assignor.protocol_name(),
            self.config.session_timeout_ms,
            self.config.max_poll_interval_ms,
            self.config.auto_offset_reset.name()
        ));
        if old.protocol != self.config.protocol {
            self.switch_protocol(ctx);
        } else if old.assignor != self.config.assignor && !self.member_keys().is_empty() {
            let reason = format!("assignor changed to {}", self.config.assignor.protocol_name());
            match self.config.protocol {
                GroupProtocol::Classic => self.begin_rebalance(reason, false, ctx),
                GroupProtocol::Consumer => self.consumer_member_left(reason, ctx),
            }
        }
        Ok(())
    }

    fn commit_running_members(&mut self, ctx: &mut GroupContext) {
        for index in 0..self.members.len() {
            if self.members[index].in_group && self.members[index].process == Process::Running {
                let _ = self.commit_member(index, ctx);
            }
        }
    }

    /// Every member (having committed) revokes all it owns and rejoins under the new protocol; the group starts
    /// from Empty (its generation / epoch number carries on).
    fn switch_protocol(&mut self, ctx: &mut GroupContext) {
        for index in 0..self.members.len() {
            if !self.members[index].in_group {
                continue;
            }
            let member = &mut self.members[index];
            member.set_assigned(Vec::new());
            member.previous.clear();
            member.pending_revocation.clear();
            member.joined_round = None;
            member.join_in_flight = false;
            member.awaiting_assignment = false;
            member.rejoin_needed = false;
        }
        self.round += 1;
        self.synced.clear();
        self.target.clear();
        self.leader = None;
        self.state = GroupState::Empty;
        if self.member_keys().is_empty() {
            return;
        }
        match self.config.protocol {
            GroupProtocol::Classic => {
                // Each member sends JoinGroup from its next poll(); the first one starts the join phase.
                for member in self.members.iter_mut().filter(|m| m.in_group) {
                    member.rejoin_needed = true;
                }
            }
            GroupProtocol::Consumer => {
                for member in self.members.iter_mut().filter(|m| m.in_group) {
                    member.generation = 0;
                }
                self.consumer_member_left("members rejoined with group.protocol=consumer".into(), ctx);
            }
        }
    }
}
