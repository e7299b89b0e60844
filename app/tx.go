package app

import (
	"context"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// inTx runs fn with a Service whose every store call, audit entries of
// changes included, is one transaction (store.Store.InTx): all of fn's
// changes are kept, with their audit entries, or none are. Refusals are
// recorded after the transaction whatever its outcome, since a refusal
// must stay in the log when the change it refused is rolled back.
//
// Why: a Service method that makes many changes (ImportReport) otherwise
// commits each of them and each audit entry on its own, which costs a WAL
// flush per write on PostgreSQL, and needs hand-written undo when a later
// part is refused.
func (s *Service) inTx(ctx context.Context, fn func(tx *Service) error) error {
	var denials []*debrief.AuditEntry
	err := s.store.InTx(ctx, func(st store.Store) error {
		return fn(s.inStore(st, &denials))
	})
	for _, e := range denials {
		s.appendEntry(ctx, e)
	}
	return err
}

// inStore returns a Service like s over st. Every field of Service must be
// decided here (TestInStoreCopiesEveryField): tickets stays nil, since a
// ticket queued from inside a transaction would be queued outside it, and
// the setup token is not the transaction's business.
func (s *Service) inStore(st store.Store, denials *[]*debrief.AuditEntry) *Service {
	return &Service{
		store:       st,
		severities:  s.severities,
		log:         s.log,
		now:         s.now,
		lintConfigs: s.lintConfigs,
		denials:     denials,
	}
}
