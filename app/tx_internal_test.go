package app

import (
	"reflect"
	"testing"
)

// A field added to Service must be decided in inStore (tx.go): shared with
// the Service of a transaction, or not. This test fails until it is.
func TestInStoreCopiesEveryField(t *testing.T) {
	decided := map[string]bool{
		// copied by inStore
		"store": true, "severities": true, "log": true, "now": true, "lintConfigs": true, "denials": true,
		// left out on purpose
		"setupMu": true, "setupToken": true, "tickets": true, "catCache": true,
	}
	typ := reflect.TypeFor[Service]()
	for i := range typ.NumField() {
		if name := typ.Field(i).Name; !decided[name] {
			t.Errorf("Service.%s is new: decide in inStore (app/tx.go) whether the Service of a transaction shares it, then list it here", name)
		}
	}
}
