using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StatusChangedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_certificates_status_changed_at",
                table: "certificates",
                column: "status_changed_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_certificates_status_changed_at",
                table: "certificates");
        }
    }
}
