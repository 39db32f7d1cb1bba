package azure_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtxctl/rtxctl/pkg/azure"
	"github.com/rtxctl/rtxctl/pkg/azure/azuretest"
)

// TestKMSRoutes plans and applies the KMS routes of a route table holding
// none, some, or all of them (one with the wrong next hop), then checks
// that a second plan has nothing to do and what the table holds.
func TestKMSRoutes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		routes      []azuretest.Route
		wantActions []string
		wantAz      int
	}{
		{name: "missing", wantActions: []string{"create", "create", "create"}, wantAz: 3},
		{name: "partial", routes: []azuretest.Route{
			{Name: "kms-a", AddressPrefix: azure.KMSPrefixes[0], NextHopType: "Internet"},
			{Name: "kms-b", AddressPrefix: azure.KMSPrefixes[1], NextHopType: "VirtualNetworkGateway"},
		}, wantActions: []string{"keep", "update", "create"}, wantAz: 2},
		{name: "present", routes: kmsRoutes(azure.KMSPrefixes...), wantActions: []string{"keep", "keep", "keep"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, testToken, func(c *azuretest.Config) { c.RouteTables[0].Routes = tt.routes; c.Polls = 2 })
			ctx := t.Context()
			plan, err := f.client.PlanKMSRoutes(ctx, azuretest.DefaultResourceGroup, azuretest.DefaultRouteTable)
			if err != nil {
				t.Fatalf("PlanKMSRoutes: %v", err)
			}
			var actions []string
			for _, r := range plan.Routes {
				actions = append(actions, r.Action)
			}
			if diff := cmp.Diff(tt.wantActions, actions); diff != "" {
				t.Errorf("plan actions mismatch (-want +got):\n%s", diff)
			}
			if got := len(plan.AzCommands()); got != tt.wantAz {
				t.Errorf("%d az commands, want %d: %q", got, tt.wantAz, plan.AzCommands())
			}
			checkGolden(t, "TestKMSRoutes/"+tt.name, plan)
			if _, err := f.client.ApplyKMSRoutes(ctx, plan); err != nil {
				t.Fatalf("ApplyKMSRoutes: %v", err)
			}
			again, err := f.client.PlanKMSRoutes(ctx, azuretest.DefaultResourceGroup, azuretest.DefaultRouteTable)
			if err != nil {
				t.Fatalf("second PlanKMSRoutes: %v", err)
			}
			if changes := again.Changes(); len(changes) != 0 {
				t.Errorf("second plan still has changes: %+v", changes)
			}
			var prefixes []string
			for _, r := range f.srv.Routes(azuretest.DefaultRouteTable) {
				if r.NextHopType == "Internet" {
					prefixes = append(prefixes, r.AddressPrefix)
				}
			}
			slices.Sort(prefixes)
			want := slices.Sorted(slices.Values(azure.KMSPrefixes))
			if diff := cmp.Diff(want, prefixes); diff != "" {
				t.Errorf("Internet routes of the table mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKMSRoutesOperationFails checks that a failed create is reported and
// changes nothing.
func TestKMSRoutesOperationFails(t *testing.T) {
	t.Parallel()
	f := newFake(t, testToken, nil)
	ctx := t.Context()
	plan, err := f.client.PlanKMSRoutes(ctx, azuretest.DefaultResourceGroup, azuretest.DefaultRouteTable)
	if err != nil {
		t.Fatal(err)
	}
	f.srv.SetFaults(azuretest.Faults{FailOperations: true})
	done, err := f.client.ApplyKMSRoutes(ctx, plan)
	if err == nil {
		t.Fatal("ApplyKMSRoutes succeeded, want an error")
	}
	if len(done) != 0 || len(f.srv.Routes(azuretest.DefaultRouteTable)) != 0 {
		t.Errorf("after a failed operation: done %q, table %+v; want nothing", done, f.srv.Routes(azuretest.DefaultRouteTable))
	}
}

// TestKMSRoutesTableNotFound checks the error for a missing route table.
func TestKMSRoutesTableNotFound(t *testing.T) {
	t.Parallel()
	f := newFake(t, testToken, nil)
	_, err := f.client.PlanKMSRoutes(t.Context(), azuretest.DefaultResourceGroup, "rt-typo")
	var re *azure.ResponseError
	if !errorsAs(err, &re) || !re.NotFound() {
		t.Fatalf("PlanKMSRoutes error = %v, want a not-found *azure.ResponseError", err)
	}
}
