using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class JobDevice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Device",
                table: "Jobs",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Device",
                table: "Jobs");
        }
    }
}
